/** The dev tenant's public surface: start it, seed it, and name its people. */
export { startDevTenant, type DevTenant, type DevTenantOptions } from './server';
export {
  loadFixture,
  personas,
  persona,
  fixtureProblems,
  DEFAULT_FIXTURE,
  type Fixture,
  type FixtureUser,
} from './fixture';
export { devToken, DEV_TOKEN } from './auth';
export type { FaultSpec, CallRecord, CallFilter, FaultInjector, CallLog } from './faults';
export type { Clock, DirectoryState } from './state';
