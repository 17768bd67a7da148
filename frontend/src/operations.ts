// Where each host offers an operation, read from the generated table (hub/commands.py), so the
// transports name an operation and never spell its route or command themselves. Each host's
// bundle keeps only its own part (the sidebar panel never holds a sidecar route).

import { COMMANDS, ROUTES, type OperationName } from "./wire.generated";

interface Route {
  readonly method: string;
  readonly path: string;
}

/** The sidecar's route for `name` with this method, its `{fields}` filled in from `values`. */
export function routeOf(name: OperationName, method: "GET" | "POST" | "PUT" | "DELETE", values: Readonly<Record<string, string>> = {}): string {
  const routes: readonly Route[] = ROUTES[name];
  const route = routes.find((r) => r.method === method);
  if (!route) throw new Error(`The sidecar has no ${method} route for ${name}`);
  return route.path.replace(/\{(\w+)\}/g, (_whole, field: string) => encodeURIComponent(values[field] ?? ""));
}

/** Home Assistant's websocket command for `name`: its own, or `mediahub/action` for an action. */
export function commandOf(name: OperationName): { type: string; action: boolean } {
  const type: string | null = COMMANDS[name];
  if (!type) throw new Error(`Home Assistant has no command for ${name}`);
  return { type, action: type === "mediahub/action" };
}
