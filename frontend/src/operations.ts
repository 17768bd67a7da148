// Where each host offers an operation, read from the generated table (hub/commands.py), so the
// transports name an operation and never spell its route or command themselves.

import { OPERATIONS, type OperationName } from "./wire.generated";

interface Route {
  readonly method: string;
  readonly path: string;
}

/** The sidecar's route for `name` with this method, its `{fields}` filled in from `values`. */
export function routeOf(name: OperationName, method: "GET" | "POST" | "DELETE", values: Readonly<Record<string, string>> = {}): string {
  const routes: readonly Route[] = OPERATIONS[name].routes;
  const route = routes.find((r) => r.method === method);
  if (!route) throw new Error(`The sidecar has no ${method} route for ${name}`);
  return route.path.replace(/\{(\w+)\}/g, (_whole, field: string) => encodeURIComponent(values[field] ?? ""));
}

/** Home Assistant's websocket command for `name`: its own, or `mediahub/action` for an action. */
export function commandOf(name: OperationName): { type: string; action: boolean } {
  const operation = OPERATIONS[name];
  if (operation.websocket) return { type: operation.websocket, action: false };
  if (operation.action) return { type: "mediahub/action", action: true };
  throw new Error(`Home Assistant has no command for ${name}`);
}
