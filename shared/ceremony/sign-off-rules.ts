/**
 * Whether a set of people can satisfy a step's sign-off requirements.
 *
 * A requirement is "count distinct people, each holding one of roles", and
 * one person counts for one requirement only (dual control: the same person
 * twice is one approval). Satisfiable exactly when Hall's condition holds
 * for every subset S of requirements: the people whose role is named by
 * some requirement in S are at least the sum of S's counts (Hall's theorem
 * for bipartite b-matching). Requirements per step are at most 4, so the 16
 * subsets are checked directly.
 */
import type { SignOffRequirement, SigningRole } from './script-schema.ts';

export type PeoplePerRole = Readonly<Partial<Record<SigningRole, number>>>;

/** The first subset of requirements that cannot be met, or undefined when all can. */
export function unmetRequirements(requirements: readonly SignOffRequirement[], people: PeoplePerRole): SignOffRequirement[] | undefined {
  const n = requirements.length;
  for (let mask = 1; mask < 1 << n; mask++) {
    const subset = requirements.filter((_, i) => (mask & (1 << i)) !== 0);
    const roles = new Set(subset.flatMap((r) => r.roles));
    const available = [...roles].reduce((sum, role) => sum + (people[role] ?? 0), 0);
    const needed = subset.reduce((sum, r) => sum + r.count, 0);
    if (available < needed) return subset;
  }
  return undefined;
}

export const requirementsMet = (requirements: readonly SignOffRequirement[], people: PeoplePerRole): boolean => unmetRequirements(requirements, people) === undefined;

/** "2 distinct people in role witness and 1 person in role administrator" */
export function describeRequirements(requirements: readonly SignOffRequirement[]): string {
  return requirements.map((r) => `${r.count === 1 ? '1 person' : `${r.count} distinct people`} in role ${r.roles.join(' or ')}`).join(' and ');
}
