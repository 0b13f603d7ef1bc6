/** One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string | number): string {
  const text = String(value);
  // A leading =, +, - or @ would be a formula in a spreadsheet: quote it with a leading '.
  const safe =
    /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV line, ended with CRLF as RFC 4180 says. */
export function csvLine(values: Array<string | number>): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
