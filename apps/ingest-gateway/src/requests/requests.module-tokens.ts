/** Injection token of the teams (`config/teams.yaml`) the intake checks `ownerTeam` against. */
export const REQUEST_TEAMS = Symbol('REQUEST_TEAMS');
