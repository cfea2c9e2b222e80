// CSV as sites export it from spreadsheets and EDCs (RFC 4180 plus the usual
// deviations): a UTF-8 BOM, CRLF or LF, quoted fields with doubled quotes and embedded
// separators or newlines, ';' when a locale makes it the separator. A malformed line is
// reported with its line number and skipped; the rest are still read.

export interface CsvRow {
  /** 1-based line number where the record starts. */
  line: number;
  fields: string[];
}

export interface CsvError {
  line: number;
  message: string;
}

export interface Csv {
  rows: CsvRow[];
  errors: CsvError[];
}

function separatorOf(firstLine: string): string {
  const count = (c: string): number => firstLine.split(c).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

export function parseCsv(input: string): Csv {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const sep = separatorOf(text.split(/\r?\n/, 1)[0] ?? '');
  const rows: CsvRow[] = [];
  const errors: CsvError[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let bad: string | null = null;
    for (;;) {
      if (text[i] === '"' && field === '') {
        i++;
        let closed = false;
        while (i < text.length) {
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (!closed) {
          bad = 'a quoted field is not closed';
          break;
        }
        const next = text[i];
        if (next !== undefined && next !== sep && next !== '\n' && next !== '\r') {
          bad = 'text after a closing quote';
        }
      }
      while (i < text.length && text[i] !== sep && text[i] !== '\n' && text[i] !== '\r') {
        if (text[i] === '"' && bad === null) bad = 'a quote inside an unquoted field';
        field += text[i];
        i++;
      }
      fields.push(field);
      field = '';
      if (text[i] === sep) {
        i++;
        continue;
      }
      break;
    }
    if (bad !== null) {
      // Skip to the end of the physical line and go on with the next record.
      while (i < text.length && text[i] !== '\n') i++;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    line++;
    if (bad !== null) errors.push({ line: start, message: bad });
    else if (!(fields.length === 1 && fields[0]?.trim() === '')) rows.push({ line: start, fields });
  }
  return { rows, errors };
}

/** Header names compared loosely: case, spaces, '_' and '-' do not matter. */
export function headerKey(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}
