import { isScalar, parseDocument } from 'yaml';
import { GitOpsFileError } from './gitops-image-bump.errors.js';

/** `image.tag` → `['image', 'tag']`; `containers.0.image` → `['containers', 0, 'image']`. */
export function yamlPathOf(path: string): (string | number)[] {
  return path.split('.').map((key) => (/^\d+$/.test(key) ? Number(key) : key));
}

/**
 * Sets the scalar at `path` of a YAML file to `value`, structurally (the `yaml` Document API): the
 * comments, key order, quoting and the rest of the file stay as they are. Throws GitOpsFileError when
 * the file does not parse or has no scalar at `path` (a path is never created: a typo would
 * otherwise add a key nobody reads).
 */
export function setYamlScalar(
  content: string,
  path: string,
  value: string,
): { content: string; previous: unknown; changed: boolean } {
  const document = parseDocument(content);
  if (document.errors.length > 0) {
    throw new GitOpsFileError(`the file is no valid YAML: ${document.errors[0]!.message}`, { path });
  }
  const node: unknown = document.getIn(yamlPathOf(path), true);
  if (!isScalar(node)) {
    throw new GitOpsFileError(`the file has no scalar value at ${path}`, { path });
  }
  const previous = node.value;
  if (previous === value) return { content, previous, changed: false };
  node.value = value;
  return { content: document.toString(), previous, changed: true };
}
