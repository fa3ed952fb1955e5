/**
 * The value vocabularies of the port statistics, named as the contract names them. Descriptions
 * come from the vendor's API page, so GraphiQL's docs explain each value.
 */
import { builder } from './builder.js';

/** Values whose internal value is their name, each with its description. */
function namedValues<const Name extends string>(descriptions: Record<Name, string>) {
  const values = {} as { [N in Name]: { value: N; description: string } };
  for (const name of Object.keys(descriptions) as Name[]) {
    values[name] = { value: name, description: descriptions[name] };
  }
  return values;
}

export const PortProtocol = builder.enumType('PortProtocol', {
  description:
    'Port type: the transport protocol and IP version on which the port is open (upstream `type`).',
  values: namedValues({
    TCP: 'TCP over IPv4.',
    TCP6: 'TCP over IPv6.',
    UDP: 'UDP over IPv4.',
    UDP6: 'UDP over IPv6.',
  }),
});

export const PortRiskStatus = builder.enumType('PortRiskStatus', {
  description: 'Risk type of the port, as HSS rates it (upstream `status`).',
  values: namedValues({
    DANGER: 'Dangerous port (upstream `danger`).',
    NORMAL: 'Normal port (upstream `normal`).',
    UNKNOWN: 'Port without known risks (upstream `unknown`).',
  }),
});

export const AssetCategory = builder.enumType('AssetCategory', {
  description: 'Which assets the statistics count (upstream `category`).',
  values: namedValues({ HOST: 'Hosts (upstream `host`).', CONTAINER: 'Containers (upstream `container`).' }),
});

export const SortDirection = builder.enumType('SortDirection', {
  description: 'Sorting order (upstream `sort_dir`).',
  values: namedValues({ ASC: 'Ascending (upstream `asc`).', DESC: 'Descending (upstream `desc`).' }),
});

export const PortStatisticSortField = builder.enumType('PortStatisticSortField', {
  description: 'Sort key (upstream `sort_key`). Currently, sorting by port number is supported.',
  values: namedValues({ PORT: 'Port number (upstream `port`).' }),
});

export const HssApi = builder.enumType('HssApi', {
  description: 'The HSS APIs the gateway calls; HSS counts its quota per user and per API.',
  values: {
    LIST_PORT_STATISTICS: {
      value: 'ListPortStatistics',
      description: 'ListPortStatistics: the port statistics.',
    },
    LIST_PORT_HOST: { value: 'ListPortHost', description: 'ListPortHost: the servers with a port open.' },
  } as const,
});
