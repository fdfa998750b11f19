/** Keystone's default role hierarchy: holding a role grants the ones it implies. */
const IMPLIES: Record<string, string[]> = { admin: ['member'], member: ['reader'] };

export function withImpliedRoles<R extends { id: string; name: string }>(direct: R[], byName: (name: string) => R | undefined): R[] {
  const out = new Map<string, R>();
  const visit = (r: R) => {
    if (out.has(r.id)) return;
    out.set(r.id, r);
    for (const name of IMPLIES[r.name] ?? []) {
      const implied = byName(name);
      if (implied) visit(implied);
    }
  };
  direct.forEach(visit);
  return [...out.values()];
}
