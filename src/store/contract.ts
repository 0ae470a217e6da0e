import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PorticoError } from '../model/errors.js';
import type { ResourceKind } from '../model/kinds.js';
import { UniqueViolation, type ResourceKey, type ResourceWrite, type Store, type StoreTx } from './types.js';

/**
 * The behaviour every Store adapter must have, as a vitest suite. An adapter's test
 * file calls `describeStoreContract('sqlite', () => …)`; `makeStore` must return a
 * fresh, empty store each time (the suite closes it after each test).
 */
export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
    });

    afterEach(async () => {
      await store.close();
    });

    const api = (id: string, properties: Record<string, unknown> = { path: id }): ResourceWrite => ({
      kind: 'api',
      parent: '',
      id,
      properties,
    });
    const operation = (apiId: string, id: string): ResourceWrite => ({
      kind: 'operation',
      parent: `apis/${apiId}`,
      id,
      properties: { method: 'GET', urlTemplate: `/${id}` },
    });
    const subscription = (id: string, uniques: string[]): ResourceWrite => ({
      kind: 'subscription',
      parent: '',
      id,
      properties: { displayName: id },
      secrets: { primaryKey: `sealed-${id}` },
      uniques,
    });
    const put = (write: ResourceWrite) => store.transaction((tx) => tx.put(write));
    const ids = async (kind: ResourceKind, parent?: string) =>
      (await store.list(kind, parent === undefined ? {} : { parent })).items.map((item) => item.id);
    const keyOf = ({ kind, parent, id }: ResourceWrite): ResourceKey => ({ kind, parent, id });
    const codeOf = async (promise: Promise<unknown>) =>
      promise.then(
        () => 'resolved',
        (error: unknown) => (error instanceof PorticoError ? error.code : String(error)),
      );

    describe('CRUD', () => {
      it('stores and returns properties, secrets and timestamps', async () => {
        const properties = { displayName: 'Échos ✓', path: 'echo', protocols: ['https'], nested: { n: 1.5, flag: false, none: null } };
        const written = await store.transaction((tx) =>
          tx.put({ ...api('echo', properties), secrets: { digest: 'abc' } }),
        );
        const read = await store.get({ kind: 'api', parent: '', id: 'echo' });
        expect(read).toEqual(written);
        expect(read).toMatchObject({ kind: 'api', parent: '', id: 'echo', properties, secrets: { digest: 'abc' } });
        expect(Date.parse(read!.createdAt)).not.toBeNaN();
        expect(read!.updatedAt).toBe(read!.createdAt);
      });

      it('returns undefined for a missing resource', async () => {
        expect(await store.get({ kind: 'api', parent: '', id: 'nope' })).toBeUndefined();
      });

      it('defaults secrets to an empty object', async () => {
        await put(api('echo'));
        expect((await store.get(keyOf(api('echo'))))!.secrets).toEqual({});
      });

      it('put replaces properties and secrets and keeps createdAt', async () => {
        const first = await put({ ...api('echo', { path: 'echo', description: 'old' }), secrets: { a: '1' } });
        const second = await put(api('echo', { path: 'echo2' }));
        expect(second.properties).toEqual({ path: 'echo2' });
        expect(second.secrets).toEqual({});
        expect(second.createdAt).toBe(first.createdAt);
        expect(second.updatedAt >= first.updatedAt).toBe(true);
        expect(await store.get(keyOf(api('echo')))).toEqual(second);
      });

      it('does not let callers mutate stored state through returned objects', async () => {
        const written = await put(api('echo', { tags: ['a'] }));
        (written.properties.tags as string[]).push('b');
        const read = await store.get(keyOf(api('echo')));
        (read!.properties.tags as string[]).push('c');
        expect((await store.get(keyOf(api('echo'))))!.properties).toEqual({ tags: ['a'] });
      });

      it('delete removes the resource and reports whether something was there', async () => {
        await put(api('echo'));
        expect(await store.transaction((tx) => tx.delete(keyOf(api('echo'))))).toBe(true);
        expect(await store.get(keyOf(api('echo')))).toBeUndefined();
        expect(await store.transaction((tx) => tx.delete(keyOf(api('echo'))))).toBe(false);
      });

      it('keeps kinds, parents and ids apart', async () => {
        await store.transaction(async (tx) => {
          await tx.put(api('x'));
          await tx.put({ kind: 'product', parent: '', id: 'x', properties: { displayName: 'P' } });
          await tx.put(operation('a', 'x'));
          await tx.put(operation('b', 'x'));
        });
        expect((await store.get({ kind: 'product', parent: '', id: 'x' }))!.properties).toEqual({ displayName: 'P' });
        expect((await store.get({ kind: 'operation', parent: 'apis/b', id: 'x' }))!.parent).toBe('apis/b');
        await store.transaction((tx) => tx.delete({ kind: 'operation', parent: 'apis/a', id: 'x' }));
        expect(await store.get({ kind: 'operation', parent: 'apis/b', id: 'x' })).toBeDefined();
        expect(await store.get({ kind: 'api', parent: '', id: 'x' })).toBeDefined();
      });
    });

    describe('ETags', () => {
      it('changes on every write, even an identical one, and matches what get returns', async () => {
        const first = await put(api('echo'));
        const second = await put(api('echo'));
        expect(first.etag).not.toBe(second.etag);
        expect((await store.get(keyOf(api('echo'))))!.etag).toBe(second.etag);
      });

      it('differs after a delete and re-create', async () => {
        const first = await put(api('echo'));
        await store.transaction((tx) => tx.delete(keyOf(api('echo'))));
        const again = await put(api('echo'));
        expect(again.etag).not.toBe(first.etag);
      });

      it('changes for each write of the same resource within one transaction', async () => {
        const etags = await store.transaction(async (tx) => [(await tx.put(api('echo'))).etag, (await tx.put(api('echo'))).etag]);
        expect(new Set(etags).size).toBe(2);
      });
    });

    describe('list', () => {
      beforeEach(async () => {
        await store.transaction(async (tx) => {
          for (const id of ['c', 'a', 'e', 'b', 'd']) await tx.put(api(id));
          await tx.put(operation('two', 'get'));
          await tx.put(operation('one', 'get'));
          await tx.put(operation('one', 'add'));
        });
      });

      it('orders by id and counts the total before paging', async () => {
        expect(await ids('api')).toEqual(['a', 'b', 'c', 'd', 'e']);
        const page = await store.list('api', { top: 2, skip: 1 });
        expect(page.items.map((item) => item.id)).toEqual(['b', 'c']);
        expect(page.total).toBe(5);
      });

      it('pages through everything exactly once', async () => {
        const seen: string[] = [];
        for (let skip = 0; skip < 5; skip += 2) {
          seen.push(...(await store.list('api', { top: 2, skip })).items.map((item) => item.id));
        }
        expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
      });

      it('handles top 0 and a skip past the end', async () => {
        expect(await store.list('api', { top: 0 })).toEqual({ items: [], total: 5 });
        expect(await store.list('api', { skip: 10 })).toEqual({ items: [], total: 5 });
      });

      it('restricts to one parent, or orders by id then parent across parents', async () => {
        expect(await ids('operation', 'apis/one')).toEqual(['add', 'get']);
        expect(await ids('operation', 'apis/none')).toEqual([]);
        const all = await store.list('operation');
        expect(all.items.map((item) => `${item.id}@${item.parent}`)).toEqual(['add@apis/one', 'get@apis/one', 'get@apis/two']);
        expect(all.total).toBe(3);
        expect((await store.list('operation', { parent: 'apis/one', top: 1 })).total).toBe(2);
      });

      it('returns an empty list for a kind with nothing stored', async () => {
        expect(await store.list('backend')).toEqual({ items: [], total: 0 });
      });

      it('refuses negative or fractional paging', async () => {
        expect(await codeOf(store.list('api', { top: -1 }))).toBe('ValidationError');
        expect(await codeOf(store.list('api', { skip: 1.5 }))).toBe('ValidationError');
      });
    });

    describe('deleteDescendants', () => {
      it('removes resources under the parent and beneath it, nothing else', async () => {
        await store.transaction(async (tx) => {
          await tx.put(api('orders'));
          await tx.put(operation('orders', 'get'));
          await tx.put(operation('orders', 'add'));
          await tx.put({ kind: 'policy', parent: 'apis/orders/operations/get', id: 'policy', properties: {} });
          await tx.put(operation('orders-v2', 'get'));
          await tx.put(operation('order', 'get'));
        });
        expect(await store.transaction((tx) => tx.deleteDescendants('apis/orders'))).toBe(3);
        expect(await ids('operation')).toEqual(['get', 'get']);
        expect(await ids('operation', 'apis/orders-v2')).toEqual(['get']);
        expect(await ids('operation', 'apis/order')).toEqual(['get']);
        expect(await store.list('policy')).toEqual({ items: [], total: 0 });
        expect(await store.get(keyOf(api('orders')))).toBeDefined();
      });

      it('treats _ and % in ids literally', async () => {
        await store.transaction(async (tx) => {
          await tx.put(operation('a_b', 'x'));
          await tx.put(operation('axb', 'x'));
          await tx.put(operation('a%', 'x'));
          await tx.put(operation('a%z', 'x'));
          await tx.put({ kind: 'policy', parent: 'apis/a_b/operations/x', id: 'policy', properties: {} });
          await tx.put({ kind: 'policy', parent: 'apis/axb/operations/x', id: 'policy', properties: {} });
        });
        expect(await store.transaction((tx) => tx.deleteDescendants('apis/a_b'))).toBe(2);
        expect(await store.transaction((tx) => tx.deleteDescendants('apis/a%'))).toBe(1);
        expect((await store.list('operation')).items.map((item) => item.parent)).toEqual(['apis/a%z', 'apis/axb']);
        expect((await store.list('policy')).items.map((item) => item.parent)).toEqual(['apis/axb/operations/x']);
      });

      it('returns 0 when nothing is there and refuses the root', async () => {
        expect(await store.transaction((tx) => tx.deleteDescendants('apis/none'))).toBe(0);
        expect(await codeOf(store.transaction((tx) => tx.deleteDescendants('')))).toBe('InvalidStoreArgument');
      });
    });

    describe('unique claims', () => {
      it('refuses a value owned by another resource with UniqueViolation naming the owner', async () => {
        await put(subscription('alice', ['subscriptionKey:k1']));
        const error: unknown = await put(subscription('bob', ['subscriptionKey:k1'])).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UniqueViolation);
        expect(error).toMatchObject({ value: 'subscriptionKey:k1', owner: { kind: 'subscription', parent: '', id: 'alice' } });
        expect(await store.get(keyOf(subscription('bob', [])))).toBeUndefined();
      });

      it('rolls the whole transaction back on a violation', async () => {
        await put(subscription('alice', ['subscriptionKey:k1']));
        const before = await store.revision();
        await expect(
          store.transaction(async (tx) => {
            await tx.put(api('side-effect'));
            await tx.put(subscription('bob', ['subscriptionKey:k2']));
            await tx.put(subscription('carol', ['subscriptionKey:k1']));
          }),
        ).rejects.toBeInstanceOf(UniqueViolation);
        expect(await store.get(keyOf(api('side-effect')))).toBeUndefined();
        expect(await store.get(keyOf(subscription('bob', [])))).toBeUndefined();
        expect(await store.revision()).toBe(before);
        // bob's claim went with the rollback.
        await expect(put(subscription('dave', ['subscriptionKey:k2']))).resolves.toBeDefined();
      });

      it('leaves nothing of a refused put when the body catches the violation', async () => {
        await put(subscription('alice', ['subscriptionKey:k1']));
        await store.transaction(async (tx) => {
          await expect(tx.put(subscription('bob', ['subscriptionKey:k9', 'subscriptionKey:k1']))).rejects.toBeInstanceOf(UniqueViolation);
        });
        expect(await store.get(keyOf(subscription('bob', [])))).toBeUndefined();
        await expect(put(subscription('carol', ['subscriptionKey:k9']))).resolves.toBeDefined();
      });

      it('lets a resource re-claim its own values and releases the ones a re-put drops', async () => {
        await put(subscription('alice', ['subscriptionKey:k1', 'subscriptionKey:k2']));
        await put(subscription('alice', ['subscriptionKey:k1', 'subscriptionKey:k1']));
        await expect(put(subscription('bob', ['subscriptionKey:k2']))).resolves.toBeDefined();
        await put(subscription('alice', []));
        await expect(put(subscription('carol', ['subscriptionKey:k1']))).resolves.toBeDefined();
      });

      it('releases claims when the owner is deleted, directly or as a descendant', async () => {
        await put(subscription('alice', ['subscriptionKey:k1']));
        await store.transaction((tx) => tx.delete(keyOf(subscription('alice', []))));
        await put(subscription('bob', ['subscriptionKey:k1']));

        await put({ kind: 'groupUser', parent: 'groups/devs', id: 'u1', properties: {}, uniques: ['member:u1'] });
        await store.transaction((tx) => tx.deleteDescendants('groups/devs'));
        await expect(put({ kind: 'groupUser', parent: 'groups/ops', id: 'u1', properties: {}, uniques: ['member:u1'] })).resolves.toBeDefined();
      });

      it('lets a transaction move a claim from one resource to another', async () => {
        await put(subscription('alice', ['subscriptionKey:k1']));
        await store.transaction(async (tx) => {
          await tx.put(subscription('alice', []));
          await tx.put(subscription('bob', ['subscriptionKey:k1']));
        });
        await expect(put(subscription('alice', ['subscriptionKey:k1']))).rejects.toBeInstanceOf(UniqueViolation);
      });
    });

    describe('transactions', () => {
      it('returns the body result and sees its own writes', async () => {
        const result = await store.transaction(async (tx) => {
          await tx.put(api('echo'));
          return { seen: (await tx.get(keyOf(api('echo'))))?.id, listed: (await tx.list('api')).total };
        });
        expect(result).toEqual({ seen: 'echo', listed: 1 });
      });

      it('writes nothing when the body throws, and rethrows the same error', async () => {
        await put(api('kept', { v: 1 }));
        const before = await store.revision();
        const failure = new Error('boom');
        const thrown: unknown = await store
          .transaction(async (tx) => {
            await tx.put(api('new'));
            await tx.put(api('kept', { v: 2 }));
            await tx.delete(keyOf(api('kept')));
            throw failure;
          })
          .catch((e: unknown) => e);
        expect(thrown).toBe(failure);
        expect(await store.get(keyOf(api('new')))).toBeUndefined();
        expect((await store.get(keyOf(api('kept'))))!.properties).toEqual({ v: 1 });
        expect(await store.revision()).toBe(before);
      });

      it('hides uncommitted writes from reads outside the transaction', async () => {
        let release!: () => void;
        const paused = new Promise<void>((resolve) => (release = resolve));
        let written!: () => void;
        const hasWritten = new Promise<void>((resolve) => (written = resolve));
        const running = store.transaction(async (tx) => {
          await tx.put(api('echo'));
          written();
          await paused;
        });
        await hasWritten;
        expect(await store.get(keyOf(api('echo')))).toBeUndefined();
        expect((await store.list('api')).total).toBe(0);
        expect(await store.revision()).toBe(0);
        release();
        await running;
        expect(await store.get(keyOf(api('echo')))).toBeDefined();
        expect(await store.revision()).toBe(1);
      });

      it('runs concurrent transactions one after another, in call order', async () => {
        await put({ kind: 'namedValue', parent: '', id: 'counter', properties: { value: 0 } });
        const events: string[] = [];
        const increment = (label: string) =>
          store.transaction(async (tx) => {
            events.push(`start ${label}`);
            const current = await tx.get({ kind: 'namedValue', parent: '', id: 'counter' });
            // Yield to the event loop between read and write: a second body running now would lose an update.
            await new Promise((resolve) => setTimeout(resolve, 5));
            await tx.put({ kind: 'namedValue', parent: '', id: 'counter', properties: { value: (current!.properties.value as number) + 1 } });
            events.push(`end ${label}`);
          });
        await Promise.all(['a', 'b', 'c', 'd'].map(increment));
        expect((await store.get({ kind: 'namedValue', parent: '', id: 'counter' }))!.properties.value).toBe(4);
        expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c', 'start d', 'end d']);
      });

      it('keeps serving transactions after one fails', async () => {
        const results = await Promise.allSettled([
          put(api('one')),
          store.transaction(async () => {
            throw new Error('boom');
          }),
          put(api('two')),
        ]);
        expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(await ids('api')).toEqual(['one', 'two']);
      });

      it('refuses a nested transaction instead of deadlocking', async () => {
        const code = await store.transaction((tx) => codeOf(store.transaction(() => tx.get(keyOf(api('x'))))));
        expect(code).toBe('NestedTransaction');
      });

      it('refuses a tx used after its transaction ended', async () => {
        let leaked: StoreTx | undefined;
        await store.transaction(async (tx) => {
          leaked = tx;
        });
        expect(await codeOf(leaked!.put(api('late')))).toBe('TransactionEnded');
        expect(await store.get(keyOf(api('late')))).toBeUndefined();
      });
    });

    describe('revision', () => {
      it('starts at 0 and advances by one per writing transaction', async () => {
        expect(await store.revision()).toBe(0);
        await store.transaction(async (tx) => {
          await tx.put(api('a'));
          await tx.put(api('b'));
          await tx.delete(keyOf(api('a')));
        });
        expect(await store.revision()).toBe(1);
        await put(api('c'));
        expect(await store.revision()).toBe(2);
      });

      it('does not advance for transactions that changed nothing', async () => {
        await put(api('a'));
        await store.transaction(async (tx) => {
          await tx.get(keyOf(api('a')));
          await tx.list('api');
          await tx.delete(keyOf(api('missing')));
          await tx.deleteDescendants('apis/missing');
        });
        expect(await store.revision()).toBe(1);
      });

      it('is monotonic across many concurrent transactions', async () => {
        const seen: number[] = [];
        await Promise.all(
          Array.from({ length: 10 }, (_, index) =>
            put(api(`api-${index}`)).then(async () => {
              seen.push(await store.revision());
            }),
          ),
        );
        expect(await store.revision()).toBe(10);
        expect([...seen].sort((a, b) => a - b)).toEqual(seen);
      });
    });

    describe('close', () => {
      it('waits for the running transaction, then refuses further work', async () => {
        let release!: () => void;
        const paused = new Promise<void>((resolve) => (release = resolve));
        const running = store.transaction(async (tx) => {
          await paused;
          await tx.put(api('late-but-committed'));
        });
        const closed = store.close();
        expect(await codeOf(store.transaction((tx) => tx.put(api('refused'))))).toBe('StoreClosed');
        release();
        await running;
        await closed;
        expect(await codeOf(store.get(keyOf(api('late-but-committed'))))).toBe('StoreClosed');
        await store.close();
      });
    });
  });
}
