// The card's configuration, as a dashboard's YAML gives it: checked by the loader (main.ts), so
// that a wrong configuration is refused at once, before the app is loaded.

export type Section = "search" | "downloads" | "ready";
export const SECTIONS: readonly Section[] = ["search", "downloads", "ready"];

export interface CardConfig {
  type: string;
  sections?: Section[];
  height?: number;
  /** Which MediaHub stack, when there are several (the first otherwise). */
  entry_id?: string;
}

/** Throws, as Home Assistant expects of `setConfig`, for a section the card does not have. */
export function checkCardConfig(config: CardConfig): void {
  if (config.sections && !config.sections.every((s) => SECTIONS.includes(s))) {
    throw new Error(`sections: choose among ${SECTIONS.join(", ")}`);
  }
}

/** Rows of 50 px a dashboard's masonry layout keeps for the card. */
export function cardSize(config: CardConfig): number {
  return config.height ? Math.ceil(config.height / 50) : 4;
}

export const stubConfig = (): CardConfig => ({ type: "custom:mediahub-card", sections: [...SECTIONS] });
