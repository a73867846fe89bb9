// The oracle's answer for one case (tools/sched-oracle prints it): each PreFilter plugin's
// status, each Filter plugin's verdict per node, each PreScore status and each Score plugin's
// raw, normalized and weighted score per feasible node.

export interface Verdict {
  plugin: string;
  code: string;
  reasons?: string[];
}

export interface PreFilterVerdict extends Verdict {
  nodeNames?: string[];
}

export interface NodeFilters {
  node: string;
  feasible: boolean;
  filters: Verdict[];
}

export interface PluginScore {
  plugin: string;
  raw: number;
  normalized: number;
  weight: number;
  weighted: number;
}

export interface NodeScores {
  node: string;
  plugins: PluginScore[];
  total: number;
}

export interface OracleResult {
  version?: string;
  preFilter: PreFilterVerdict[];
  rejected: boolean;
  nodes: NodeFilters[];
  preScore: Verdict[];
  scores: NodeScores[];
  error?: string;
}
