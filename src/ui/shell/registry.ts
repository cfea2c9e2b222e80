// Which component draws each view of views.ts. To add a view: its entry in VIEWS (views.ts)
// and one line here; the component takes `{ ctx }` (context.ts).
import type { Component } from 'svelte';
import type { ShellContext } from './context';
import Waiting from './Waiting.svelte';
import ReadingQueue from './ReadingQueue.svelte';
import QcView from './QcView.svelte';
import Dashboard from './views/Dashboard.svelte';
import ArchiveView from './views/ArchiveView.svelte';
import ProblemsView from './views/ProblemsView.svelte';
import DeidView from './views/DeidView.svelte';
import Overview from './views/Overview.svelte';
import PeopleView from './views/PeopleView.svelte';
import AuditTrailView from './views/AuditTrailView.svelte';
import QuarantineView from './views/QuarantineView.svelte';
import TimelineView from './views/TimelineView.svelte';
import ProtocolsView from './views/ProtocolsView.svelte';
import ViewerView from './views/ViewerView.svelte';

export const COMPONENTS: Record<string, Component<{ ctx: ShellContext }>> = {
  waiting: Waiting,
  dashboard: Dashboard,
  archive: ArchiveView,
  problems: ProblemsView,
  deid: DeidView,
  queue: ReadingQueue,
  qc: QcView,
  protocols: ProtocolsView,
  reads: ReadingQueue,
  viewer: ViewerView,
  overview: Overview,
  timeline: TimelineView,
  audit: AuditTrailView,
  quarantine: QuarantineView,
  people: PeopleView,
};
