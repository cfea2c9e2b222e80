// Who ran a de-identification, as the documents name them (DEID-83): the identity's name,
// never the placeholder a fresh identity carries; without a name, the device key's
// fingerprint, so the record still points at one person's key and says no name was given.
export function runByName(
  identity: { name: string; fingerprint: string } | null,
  placeholder: string,
): string {
  const name = identity?.name.trim() ?? '';
  if (name && name !== placeholder) return name;
  return identity
    ? `a person who has not given a name (device key ${identity.fingerprint})`
    : 'a person with no device identity yet';
}
