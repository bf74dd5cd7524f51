/**
 * The header's own overlays (account menu, notifications) open inside the sticky header, not at the end
 * of the page: attached to the body they were placed in page coordinates, so the page scrolling under the
 * header (or the browser scrolling to the menu as it takes focus) moved them away from their button, and a
 * click aimed at a menu entry could land beside it.
 */
export const inHeader = (trigger: HTMLElement): HTMLElement =>
  trigger.closest<HTMLElement>('.zx-header') ?? document.body;
