// Kept equal to package.json's version by a test.
export const TOOL_VERSION = '0.1.0';
/** Bumped on any incompatible change to a request or response schema. */
export const PROTOCOL_VERSION = 1;
