/**
 * MVCC bookkeeping, free of I/O and of the engine's locks (its callers hold them): the revision lease,
 * the list of open snapshots, and history retention with its horizon. Depends only on the API package.
 */
package dev.sediment.store.revision;
