/** Saved sign-ins of the setup project (under test-results/, which git ignores). */
export const OWNER_STATE = "test-results/.auth/owner.json";
export const VIEWER_STATE = "test-results/.auth/viewer.json";
