// `GET /workerpools/dynamicworkertypes` (2026 reference): the worker types of the dynamic worker
// service. Only Octopus Cloud has that service; a self-hosted server answers with the documented
// error, 500 "Unable to connect to the Dynamic Worker service".
import { HttpError } from '../http-error.js';
import type { Routes } from '../routes.js';
import { DYNAMIC_WORKER_TYPES } from '../resources/worker-pools.js';

export function registerDynamicWorkerTypes(routes: Routes): void {
  routes.space('GET', '/workerpools/dynamicworkertypes', (call) => {
    if (call.instance.settings.flavour !== 'cloud') throw new HttpError(500, 'Unable to connect to the Dynamic Worker service.');
    return {
      status: 200,
      body: {
        Id: 'dynamicworkertypes',
        WorkerTypes: DYNAMIC_WORKER_TYPES.map((type) => ({
          ...type,
          StartDateUtc: '2024-01-01T00:00:00.000Z',
          DeprecationDateUtc: type.Type === 'Ubuntu1804' ? '2025-01-01T00:00:00.000Z' : null,
          EndOfLifeDateUtc: type.Type === 'Ubuntu1804' ? '2026-12-31T00:00:00.000Z' : null,
        })),
        Links: { Self: `/api/${String(call.spaceId)}/workerpools/dynamicworkertypes` },
      },
    };
  });
}
