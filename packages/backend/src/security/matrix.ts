/** The callers of the permission matrix, in column order. */
export const ROLES = [
  'anonymous',
  'member',
  'otherTeam',
  'lead',
  'admin',
  'scraper',
] as const;
export type Role = (typeof ROLES)[number];

const HEADERS: Record<Role, string> = {
  anonymous: 'anonymous',
  member: 'member of the team',
  otherTeam: 'member of another team',
  lead: 'team lead',
  admin: 'admin',
  scraper: 'scrape token',
};

/** The matrix as a Markdown table (what the README shows). */
export function renderMatrix(
  rows: Array<[string, Record<Role, string>]>,
): string {
  const lines = [
    `| route | ${ROLES.map(r => HEADERS[r]).join(' | ')} |`,
    `| --- | ${ROLES.map(() => '---').join(' | ')} |`,
    ...rows.map(
      ([route, cells]) =>
        `| \`${route}\` | ${ROLES.map(r => cells[r]).join(' | ')} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
