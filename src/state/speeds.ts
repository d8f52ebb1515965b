// The playback speeds, in a module of their own so light chunks (the embed poster, the notes
// window) can validate a speed without importing the simulation store and with it the engine.
// simulationStore.ts's SPEEDS is the same list (a test keeps them equal).
export const PLAYBACK_SPEEDS = [0.25, 0.5, 1, 2, 4] as const
