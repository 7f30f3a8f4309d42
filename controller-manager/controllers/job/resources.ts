import { requireResource } from '../../../api/resources.js';

export const JOBS = requireResource('batch', 'v1', 'jobs');
