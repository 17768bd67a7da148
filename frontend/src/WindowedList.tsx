import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { visibleRange, type Range } from "./windowing";

interface Props<T> {
  items: readonly T[];
  itemKey: (item: T) => string;
  renderItem: (item: T, index: number) => ReactNode;
  label: string;
  className: string;
  /** Height of an item not measured yet, gap included (px). */
  estimate: number;
  /** Extra items rendered above and below the screen, so Tab and the arrow keys always have
   * a next item to move to (focus scrolls the page, which renders the ones after it). */
  overscan?: number;
  itemProps?: (item: T) => Record<string, string>;
  /** How many items the whole list has, when `items` is only its head so far. */
  total?: number;
}

const GAP = 8; // the list's CSS gap

/** While React takes over the server's first frame: the screen height the server wrote the
 * list for (sidecar/first_frame.py), so the first render draws the rows it drew. */
export const FirstFrameHeight = createContext<number | null>(null);

/** A list that puts only the items on screen (and a few around) into the page: 2,000
 * downloads cost the DOM of about twenty. The page itself scrolls, as before; spacers stand in
 * for the items above and below, sized from each item's measured height. Screen readers get
 * each item's place in the whole list (aria-setsize / aria-posinset). */
export function WindowedList<T>({
  items,
  itemKey,
  renderItem,
  label,
  className,
  estimate,
  overscan = 6,
  itemProps,
  total,
}: Props<T>) {
  const list = useRef<HTMLUListElement>(null);
  const [heights, setHeights] = useState<ReadonlyMap<string, number>>(() => new Map());
  // Until the first measurement, the list is taken to start at the screen's top: that renders
  // at least what is on screen, so the first paint needs no measuring first.
  const firstHeight = useContext(FirstFrameHeight);
  const [viewport, setViewport] = useState(() => ({ top: 0, height: firstHeight ?? (window.innerHeight || 800) }));

  const update = useCallback(() => {
    const element = list.current;
    if (!element) return;
    const top = element.getBoundingClientRect().top;
    setViewport((old) =>
      old.top === -top && old.height === window.innerHeight ? old : { top: -top, height: window.innerHeight },
    );
  }, []);

  useEffect(() => {
    let frame = 0;
    const schedule = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(update);
    };
    window.addEventListener("scroll", schedule, { passive: true });
    window.addEventListener("resize", schedule);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener("scroll", schedule);
      window.removeEventListener("resize", schedule);
    };
  }, [update]);

  useEffect(update, [update, items.length]);

  // Items not rendered yet are taken to be as tall as the average rendered one, so the
  // spacers (and a jump to the end) come out right before every item has been seen; so are
  // the items that have not arrived yet, so the page is as long as the whole list at once.
  const { sizes, missing } = useMemo(() => {
    const average = heights.size ? [...heights.values()].reduce((a, b) => a + b, 0) / heights.size : estimate;
    return {
      sizes: items.map((item) => heights.get(itemKey(item)) ?? average),
      missing: Math.max(0, (total ?? 0) - items.length) * average,
    };
  }, [items, heights, itemKey, estimate, total]);
  const range: Range = visibleRange(sizes, viewport.top, viewport.height, overscan);

  // Measure what was rendered; a changed height re-renders with the new spacers (and settles:
  // nothing changes once every rendered height is known). With items above the screen, before
  // the frame is painted (their spacer moves what is shown); at the top of the list, after it,
  // since only the spacer below changes: the first paint then waits for no measuring.
  const atTop = range.start === 0;
  const measure = useCallback(() => {
    const element = list.current;
    if (!element) return;
    const measured = new Map<string, number>();
    for (const child of Array.from(element.children) as HTMLElement[]) {
      if (child.dataset.key) measured.set(child.dataset.key, child.getBoundingClientRect().height + GAP);
    }
    setHeights((known) => {
      const changed = [...measured].filter(([key, height]) => Math.abs((known.get(key) ?? 0) - height) > 0.5);
      return changed.length ? new Map([...known, ...changed]) : known;
    });
  }, []);
  useLayoutEffect(() => {
    if (!atTop) measure();
  }, [measure, atTop, items, range.start, range.end]);
  useEffect(() => {
    if (atTop) measure();
  }, [measure, atTop, items, range.start, range.end]);

  return (
    <ul
      ref={list}
      className={className}
      aria-label={label}
      style={{ paddingTop: range.before, paddingBottom: Math.max(0, range.after + missing - GAP) }}
    >
      {items.slice(range.start, range.end).map((item, offset) => (
        <li
          key={itemKey(item)}
          data-key={itemKey(item)}
          aria-setsize={Math.max(total ?? 0, items.length)}
          aria-posinset={range.start + offset + 1}
          {...itemProps?.(item)}
        >
          {renderItem(item, range.start + offset)}
        </li>
      ))}
    </ul>
  );
}
