/**
 * `Promise.withResolvers` (ES2024), which aws-local-stepfunctions calls in every Task state but
 * Node 20 lacks. Import this module before aws-local-stepfunctions; it changes nothing where the
 * runtime already has the method.
 */
const promise: PromiseConstructor & { withResolvers?: unknown } = Promise;

if (typeof promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve: (value: T | PromiseLike<T>) => void = () => undefined;
      let reject: (reason?: unknown) => void = () => undefined;
      const created = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise: created, resolve, reject };
    },
  });
}

export {};
