/** The embedded PostgreSQL the store, reliability and cluster tests run on (src/cli/embeddedPostgres.ts). */
export { startPostgres, type EmbeddedPostgres as TestPostgres } from '../../src/cli/embeddedPostgres';
