// The viewer's Cornerstone3D tools: which class each tool name means, which of them draw a
// measurement, and the buttons a pane's tool group keeps: pan, zoom and scroll stay on their
// own buttons whichever tool the primary button is given.
import * as csTools from '@cornerstonejs/tools';
import type { Measurement } from '../../core/image/measurement';

export type ToolName =
  'windowLevel' | 'pan' | 'zoom' | 'scroll' | 'length' | 'bidirectional' | 'ellipse';

export const TOOL_CLASS = {
  windowLevel: csTools.WindowLevelTool,
  pan: csTools.PanTool,
  zoom: csTools.ZoomTool,
  scroll: csTools.StackScrollTool,
  length: csTools.LengthTool,
  bidirectional: csTools.BidirectionalTool,
  ellipse: csTools.EllipticalROITool,
} as const;

/** The tools that draw a measurement, by Cornerstone3D's tool name. */
export const KIND_OF: Record<string, Measurement['kind']> = {
  [csTools.LengthTool.toolName]: 'length',
  [csTools.BidirectionalTool.toolName]: 'bidirectional',
  [csTools.EllipticalROITool.toolName]: 'ellipse',
};

const { MouseBindings } = csTools.Enums;

/** A pane's tool group: every tool in it, pan, zoom and scroll on their own buttons. */
export function createToolGroup(
  groupId: string,
  viewportId: string,
  engineId: string,
): csTools.Types.IToolGroup {
  const group = csTools.ToolGroupManager.createToolGroup(groupId);
  if (!group) throw new Error('tool group could not be created');
  for (const t of Object.values(TOOL_CLASS)) group.addTool(t.toolName);
  group.addViewport(viewportId, engineId);
  group.setToolActive(csTools.PanTool.toolName, {
    bindings: [{ mouseButton: MouseBindings.Auxiliary }],
  });
  group.setToolActive(csTools.ZoomTool.toolName, {
    bindings: [{ mouseButton: MouseBindings.Secondary }],
  });
  group.setToolActive(csTools.StackScrollTool.toolName, {
    bindings: [{ mouseButton: MouseBindings.Wheel }],
  });
  return group;
}

/**
 * Gives the primary button to `t`. The others keep their own buttons (pan, zoom, scroll), stay
 * passive (measurements, so the ones drawn can still be edited) or are disabled.
 */
export function activateTool(group: csTools.Types.IToolGroup, t: ToolName): void {
  for (const name of [
    'windowLevel',
    'scroll',
    'length',
    'bidirectional',
    'ellipse',
    'pan',
    'zoom',
  ] as const) {
    const tool = TOOL_CLASS[name].toolName;
    if (name === t) continue;
    const keep =
      name === 'pan'
        ? [{ mouseButton: MouseBindings.Auxiliary }]
        : name === 'zoom'
          ? [{ mouseButton: MouseBindings.Secondary }]
          : name === 'scroll'
            ? [{ mouseButton: MouseBindings.Wheel }]
            : null;
    if (keep) group.setToolActive(tool, { bindings: keep });
    else if (KIND_OF[tool]) group.setToolPassive(tool);
    else group.setToolDisabled(tool);
  }
  const bindings = [{ mouseButton: MouseBindings.Primary }];
  if (t === 'pan') bindings.push({ mouseButton: MouseBindings.Auxiliary });
  if (t === 'zoom') bindings.push({ mouseButton: MouseBindings.Secondary });
  if (t === 'scroll') bindings.push({ mouseButton: MouseBindings.Wheel });
  group.setToolActive(TOOL_CLASS[t].toolName, { bindings });
}
