// An API that aborts every request it sends when a signal fires: how an apply that takes too
// long is cancelled (between and during requests) rather than left running.
import type { OctopusApi } from './client.js';

export function withSignal(api: OctopusApi, signal: AbortSignal): OctopusApi {
  return {
    server: api.server,
    get: (path, options = {}) => api.get(path, { ...options, signal }),
    post: (path, body, options = {}) => api.post(path, body, { ...options, signal }),
    put: (path, body, options = {}) => api.put(path, body, { ...options, signal }),
    delete: (path, options = {}) => api.delete(path, { ...options, signal }),
    getAll: (path, options = {}) => api.getAll(path, { ...options, signal }),
    list: (path, query, options = {}) => api.list(path, query, { ...options, signal }),
  };
}
