// An element Home Assistant can create, configure and show at once, whose app arrives later: the
// properties set before then are kept (the last value of each, in the order they were last set)
// and given to the app when it arrives, so the element behaves as if it had been there from the
// start. The app is imported when the element is first connected, never before.

/** What an element's app does with it: the element's properties and its place in the page. */
export interface View {
  update(property: string, value: unknown): void;
  connected(): void;
  disconnected(): void;
}

export type ViewModule = { view: (host: HTMLElement) => View };

export abstract class LazyElement extends HTMLElement {
  private _view: View | null = null;
  private _loading: Promise<void> | null = null;
  private readonly _queued = new Map<string, unknown>();
  private readonly _values = new Map<string, unknown>();

  /** The app's module (a dynamic import: a chunk of its own). */
  protected abstract loadView(): Promise<ViewModule>;

  protected property(name: string): unknown {
    return this._values.get(name);
  }

  protected setProperty(name: string, value: unknown): void {
    this._values.set(name, value);
    if (this._view) {
      this._view.update(name, value);
      return;
    }
    this._queued.delete(name);
    this._queued.set(name, value);
  }

  connectedCallback(): void {
    if (this._view) this._view.connected();
    else this._loading ??= this._load();
  }

  disconnectedCallback(): void {
    this._view?.disconnected();
  }

  private async _load(): Promise<void> {
    try {
      const module = await this.loadView();
      const view = module.view(this);
      for (const [name, value] of this._queued) view.update(name, value);
      this._queued.clear();
      this._view = view;
      if (this.isConnected) view.connected();
    } catch (error) {
      // A chunk that did not arrive (offline, or an update replaced it): the next connection tries again.
      this._loading = null;
      console.error("MediaHub could not load", error);
    }
  }
}
