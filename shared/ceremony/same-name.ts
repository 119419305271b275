/**
 * How two participants' names are compared (role separation: one name is
 * enrolled once): NFKD without marks, case folded, spaces collapsed. Its own
 * file so the enrolment screen explains a clash with the engine's very rule
 * without taking the script schema into the renderer bundle.
 */
export const sameNameKey = (name: string): string => name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
