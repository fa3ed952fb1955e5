/** `PortService`: what IANA registered on a port and protocol, and the `service` field that shows it. */
import type { ProtocolName } from '../model/port-statistic.js';
import { ianaService, type ServiceAssignment } from '../port-statistics/service-names.js';
import { builder } from './builder.js';
import type { GatewaySchemaTypes } from './list-fields.js';

const PortService = builder.objectRef<ServiceAssignment>('PortService').implement({
  description: "The service IANA's registry assigns to a port and protocol (service-names-port-numbers).",
  fields: (t) => ({
    name: t.exposeString('name', {
      description: 'Service name, e.g. `ssh` for 22/TCP, `ms-wbt-server` for 3389/TCP.',
    }),
    description: t.exposeString('description', {
      nullable: true,
      description: "IANA's description of the service.",
    }),
  }),
});

/** The `service` field of a row with a port and protocol (statistics rows and servers alike). */
export function serviceField<Row extends { port: number; type: ProtocolName }>(
  t: PothosSchemaTypes.ObjectFieldBuilder<GatewaySchemaTypes, Row>,
) {
  return t.field({
    type: PortService,
    nullable: true,
    description: "The service IANA's registry assigns to this port and protocol; null where IANA has none.",
    resolve: (row) => ianaService(row.port, row.type),
  });
}
