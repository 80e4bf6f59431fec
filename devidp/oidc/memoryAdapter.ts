/**
 * oidc-provider's storage, in memory and per IdP instance (sessions, interactions, codes, grants),
 * with expiry. The same as its built-in development adapter, but owned here so each dev IdP keeps
 * its own store and oidc-provider does not warn about it at every start.
 */
import type { Adapter, AdapterFactory, AdapterPayload } from "oidc-provider";

interface Entry {
  payload: AdapterPayload;
  expiresAt: number | undefined;
}

/** A factory of adapters sharing one store (grant ids and uids cut across models). */
export function memoryAdapterFactory(): AdapterFactory {
  const store = new Map<string, Entry>();
  const byGrant = new Map<string, Set<string>>();
  const live = (key: string): AdapterPayload | undefined => {
    const entry = store.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  };
  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        store.set(key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
        if (payload.grantId !== undefined) {
          const keys = byGrant.get(payload.grantId) ?? new Set<string>();
          keys.add(key(id));
          byGrant.set(payload.grantId, keys);
        }
        if (payload.uid !== undefined) store.set(`${model}:uid:${payload.uid}`, { payload: { id } as AdapterPayload, expiresAt: undefined });
        if (payload.userCode !== undefined) store.set(`${model}:userCode:${payload.userCode}`, { payload: { id } as AdapterPayload, expiresAt: undefined });
      },
      async find(id) {
        return live(key(id));
      },
      async findByUid(uid) {
        const id = live(`${model}:uid:${uid}`)?.["id"];
        return typeof id === "string" ? live(key(id)) : undefined;
      },
      async findByUserCode(userCode) {
        const id = live(`${model}:userCode:${userCode}`)?.["id"];
        return typeof id === "string" ? live(key(id)) : undefined;
      },
      async consume(id) {
        const payload = live(key(id));
        if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const k of byGrant.get(grantId) ?? []) store.delete(k);
        byGrant.delete(grantId);
      },
    };
  };
}
