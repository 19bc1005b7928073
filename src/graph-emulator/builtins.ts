// Objects every Entra tenant has, which a snapshot may leave out (defined once, in the domain).
export { BUILT_IN_STRENGTHS, BUILT_IN_STRENGTH_IDS } from '../diagnosis/builtin-strengths';
export { WELL_KNOWN_ROLE_NAMES } from '../diagnosis/directory-roles';
