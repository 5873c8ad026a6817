// One-at-a-time execution for stores with a single connection (SQLite) or shared state (memory):
// while a transaction is open, every other call waits, so two logins never interleave inside one
// transaction and a rollback never erases another request's writes.
import { AsyncLocalStorage } from 'node:async_hooks';

interface TxToken {
  open: boolean;
}

export interface TransactionHooks {
  begin(): void;
  commit(): void;
  rollback(): void;
}

export class SerialExecutor {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly context = new AsyncLocalStorage<TxToken>();

  /** Runs `fn` after everything queued before it; directly when called from inside the open transaction. */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.inTransaction()) return Promise.resolve().then(fn);
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs `body` as one transaction. A transaction started from inside another joins it (no nesting),
   * since one connection has one transaction.
   */
  transaction<T>(hooks: TransactionHooks, body: () => Promise<T>): Promise<T> {
    if (this.inTransaction()) return body();
    return this.run(() => {
      const token: TxToken = { open: true };
      return this.context.run(token, async () => {
        hooks.begin();
        try {
          const value = await body();
          hooks.commit();
          return value;
        } catch (err) {
          hooks.rollback();
          throw err;
        } finally {
          // Work the body left running must not keep bypassing the queue.
          token.open = false;
        }
      });
    });
  }

  private inTransaction(): boolean {
    return this.context.getStore()?.open === true;
  }
}
