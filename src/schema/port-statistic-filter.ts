/** `PortStatisticFilter`: the upstream's filters, each optional; absent ones are not sent. */
import { builder } from './builder.js';
import { AssetCategory, PortProtocol, PortRiskStatus } from './enums.js';

export const PortStatisticFilter = builder.inputType('PortStatisticFilter', {
  description: 'Filters of the open-port statistics. A filter not given is not sent to HSS.',
  fields: (t) => ({
    enterpriseProjectId: t.string({
      description:
        'Enterprise project ID, which is used to filter assets in different enterprise projects (1 to 256 characters). ' +
        'To query assets in all enterprise projects, set this parameter to `all_granted_eps`. ' +
        'HSS defaults to `0`, the default enterprise project. Needed only after the enterprise project function is enabled.',
    }),
    category: t.field({
      type: AssetCategory,
      description: 'Type of asset: hosts or containers. Absent: both.',
    }),
    port: t.int({
      description:
        'Port number, exact match (1 to 65,535). With `portString`: an exact match on `port` if one of them ' +
        'contains the other, and no results if neither does.',
    }),
    portString: t.string({
      description:
        'Port string, fuzzy (substring) match on the digits of the port number, e.g. `80` matches 80, 8080 and 18080. ' +
        'With `port`: an exact match on `port` if one of them contains the other, and no results if neither does.',
    }),
    type: t.field({ type: PortProtocol, description: 'Port type.' }),
    status: t.field({ type: PortRiskStatus, description: 'Port status (risk type).' }),
  }),
});
