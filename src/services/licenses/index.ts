export { LicenseService } from './service';
export type { LicenseAsk } from './asking';
