// Reads PromQL with Prometheus's own grammar (lezer-promql): syntax errors, the metrics and labels an expression uses.
import { parser } from '@prometheus-io/lezer-promql';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export interface Selector {
  metric: string;
  /** Label names in the selector's matchers. */
  labels: string[];
}

export interface PromqlUse {
  errors: string[];
  selectors: Selector[];
  /** Label names in every by (...) / without (...) / on (...) / ignoring (...) clause. */
  groupingLabels: string[];
  /** The by (...) labels of the outermost aggregation (what an alert's $labels can hold), undefined without one. */
  outputLabels: string[] | undefined;
}

/** Grafana's variables are not PromQL: stand-ins of the same kind let the real grammar check the rest. */
export function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m').replace(/\$\{?[A-Za-z_]\w*\}?/g, 'x');
}

export function analysePromql(expr: string): PromqlUse {
  const tree = parser.parse(expr);
  const text = (node: SyntaxNode | null | undefined) => (node ? expr.slice(node.from, node.to) : '');
  const use: PromqlUse = { errors: [], selectors: [], groupingLabels: [], outputLabels: undefined };
  const cursor = tree.cursor();
  do {
    const node = cursor.node;
    if (node.type.isError) use.errors.push(`syntax error at ${node.from}: …${expr.slice(Math.max(0, node.from - 20), node.from + 20)}…`);
    if (node.name === 'VectorSelector') {
      const metric = text(node.getChild('Identifier'));
      // {__name__="..."} selectors would hide their metric from this check: refuse them rather than pass them.
      if (!metric) use.errors.push(`selector without a metric name: ${text(node)}`);
      const labels: string[] = [];
      for (let matcher = node.getChild('LabelMatchers')?.firstChild; matcher; matcher = matcher.nextSibling)
        if (matcher.getChild('LabelName')) labels.push(text(matcher.getChild('LabelName')));
      use.selectors.push({ metric, labels });
    }
    if (node.name === 'GroupingLabels') {
      const labels = node.getChildren('LabelName').map((label) => text(label));
      use.groupingLabels.push(...labels);
      const modifier = node.parent;
      if (use.outputLabels === undefined && modifier?.name === 'AggregateModifier' && text(modifier.firstChild) === 'by')
        use.outputLabels = labels.filter((label) => label !== 'le');
    }
  } while (cursor.next());
  return use;
}
