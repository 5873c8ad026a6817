// Stores shipped with the product. MemoryStore is for tests and demos; SqliteStore needs the
// optional peer dependency better-sqlite3 12, loaded only when one is constructed.
export { MemoryStore } from './memoryStore';
export { SqliteStore } from './sqliteStore';
export type { ListedUser, OwnerSeed, ShippedStore } from './types';
