import { requireResource } from '../../../api/resources.js';

export const CRONJOBS = requireResource('batch', 'v1', 'cronjobs');
