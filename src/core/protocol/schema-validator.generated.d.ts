// Types for the generated standalone validator (scripts/gen-protocol-validator.js).
export interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}
export declare const validate: ((data: unknown) => boolean) & { errors?: SchemaError[] | null };
export default validate;
