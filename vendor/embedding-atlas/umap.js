import { n as e, r as t, t as n } from "./chunk-Bn3LaujC.js";
export { n as createNNDescent, e as createUMAP, t as createUMAPFromKNN };
