/** A tab of a `TabList`: its id doubles as the page's URL hash. */
export type TabItem<T extends string = string> = { readonly id: T; readonly label: string };

/** The tab named by the URL hash, so a reload or a shared link opens the same tab; else `fallback`. */
export function tabFromHash<T extends string>(tabs: readonly TabItem<T>[], fallback: T): T {
  const id = location.hash.slice(1);
  return tabs.some((t) => t.id === id) ? (id as T) : fallback;
}
