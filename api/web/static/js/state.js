/* What the page knows about the signed-in team, in one object the views share. */

export const KEY_STORAGE = "staffcast.apiKey";

export const state = {
  key: null,
  team: null,
  settings: null,
  channels: [],
  historyEnd: null,
  agents: [],
  targetFields: null,
  schedule: null,
};

/** The team's timezone, for showing moments as the team reads them. */
export function teamZone() {
  return state.team?.timezone || null;
}
