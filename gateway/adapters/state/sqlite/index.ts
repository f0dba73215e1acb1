export { openSqliteStateStore, DB_FILE, type SqliteStateStoreOptions } from './store.js';
export { migrations, type Migration } from './migrations/index.js';
