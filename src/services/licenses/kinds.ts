import type { DeskRequest } from '../../domain/request';

export const LICENSE_REQUEST_KINDS = ['license.assign', 'license.remove'] as const;
export type LicenseRequestKind = (typeof LICENSE_REQUEST_KINDS)[number];
export type LicenseRequest = DeskRequest<LicenseRequestKind>;
