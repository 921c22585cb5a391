// Loaded into a backend child by tests that read its resident memory (node --expose-gc
// --require this file): SIGUSR2 runs a full garbage collection, so an RSS reading taken after
// it is what the node retains, not garbage that a busy machine's GC has not returned yet.
process.on('SIGUSR2', () => globalThis.gc?.())
