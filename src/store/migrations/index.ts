/**
 * Every migration, in order, listed in code (no directory globbing) so they load the same way
 * under tsx, jest and a compiled build. Names sort lexically: add `002_…` after `001_…` and never
 * rename or edit one that has shipped.
 */
import type { Migration, MigrationProvider } from 'kysely';
import type { Engine } from '../dialect';
import { initialSchema } from './001_initial';
import { outboxAndLeases } from './003_outbox_and_leases';

const MIGRATIONS: ReadonlyArray<[name: string, build: (engine: Engine) => Migration]> = [
  ['001_initial', initialSchema],
  ['003_outbox_and_leases', outboxAndLeases],
];

export function migrationProvider(engine: Engine): MigrationProvider {
  return {
    getMigrations(): Promise<Record<string, Migration>> {
      return Promise.resolve(Object.fromEntries(MIGRATIONS.map(([name, build]) => [name, build(engine)])));
    },
  };
}
