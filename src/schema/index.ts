/** Imports every type file and builds the schema. */
import { builder } from './builder.js';
import './date-time.js';
import './enums.js';
import './port-statistic.js';
import './port-statistic-filter.js';
import './page-input.js';
import './port-statistic-order.js';
import './port-statistic-connection.js';

export const schema = builder.toSchema({ sortSchema: false });
