/**
 * HSS's regions and their endpoints, from the vendor's endpoint list.
 */

export const HSS_REGIONS = [
  'cn-north-1',
  'cn-north-2',
  'cn-north-4',
  'cn-north-9',
  'cn-north-11',
  'cn-north-12',
  'cn-east-2',
  'cn-east-3',
  'cn-east-4',
  'cn-east-5',
  'cn-south-1',
  'cn-south-2',
  'cn-south-4',
  'cn-southwest-2',
  'cn-southwest-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'na-mexico-1',
  'af-south-1',
  'sa-brazil-1',
  'la-south-2',
  'la-north-2',
  'tr-west-1',
  'ae-ad-1',
  'me-east-1',
  'my-kualalumpur-1',
  'eu-west-101',
  'ru-moscow-1',
] as const;

export type HssRegion = (typeof HSS_REGIONS)[number];

export function isHssRegion(value: string): value is HssRegion {
  return (HSS_REGIONS as readonly string[]).includes(value);
}

/** `https://hss.{region}.myhuaweicloud.com`; eu-west-101 is served from the `.eu` domain. */
export function hssEndpointOf(region: HssRegion): string {
  return region === 'eu-west-101'
    ? 'https://hss.eu-west-101.myhuaweicloud.eu'
    : `https://hss.${region}.myhuaweicloud.com`;
}

/** The global IAM endpoint, used for tokens unless IAM_ENDPOINT names a regional one. */
export const GLOBAL_IAM_ENDPOINT = 'https://iam.myhuaweicloud.com';
