/** `PortService`: what IANA registered on a port and protocol. */
import type { ServiceAssignment } from '../port-statistics/service-names.js';
import { builder } from './builder.js';

export const PortService = builder.objectRef<ServiceAssignment>('PortService').implement({
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
