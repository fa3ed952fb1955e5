/**
 * The value vocabularies of the port statistics, named as the contract names them. Descriptions
 * come from the vendor's API page, so GraphiQL's docs explain each value.
 */
import { builder } from './builder.js';

export const PortProtocol = builder.enumType('PortProtocol', {
  description:
    'Port type: the transport protocol and IP version on which the port is open (upstream `type`).',
  values: {
    TCP: { value: 'TCP', description: 'TCP over IPv4.' },
    TCP6: { value: 'TCP6', description: 'TCP over IPv6.' },
    UDP: { value: 'UDP', description: 'UDP over IPv4.' },
    UDP6: { value: 'UDP6', description: 'UDP over IPv6.' },
  } as const,
});

export const PortRiskStatus = builder.enumType('PortRiskStatus', {
  description: 'Risk type of the port, as HSS rates it (upstream `status`).',
  values: {
    DANGER: { value: 'DANGER', description: 'Dangerous port (upstream `danger`).' },
    NORMAL: { value: 'NORMAL', description: 'Normal port (upstream `normal`).' },
    UNKNOWN: { value: 'UNKNOWN', description: 'Port without known risks (upstream `unknown`).' },
  } as const,
});

export const AssetCategory = builder.enumType('AssetCategory', {
  description: 'Which assets the statistics count (upstream `category`).',
  values: {
    HOST: { value: 'HOST', description: 'Hosts (upstream `host`).' },
    CONTAINER: { value: 'CONTAINER', description: 'Containers (upstream `container`).' },
  } as const,
});

export const SortDirection = builder.enumType('SortDirection', {
  description: 'Sorting order (upstream `sort_dir`).',
  values: {
    ASC: { value: 'ASC', description: 'Ascending (upstream `asc`).' },
    DESC: { value: 'DESC', description: 'Descending (upstream `desc`).' },
  } as const,
});

export const PortStatisticSortField = builder.enumType('PortStatisticSortField', {
  description: 'Sort key (upstream `sort_key`). Currently, sorting by port number is supported.',
  values: { PORT: { value: 'PORT', description: 'Port number (upstream `port`).' } } as const,
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
