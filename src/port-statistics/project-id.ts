/** The project a request is about: the one it names, or the configured default. */
import { checkPattern, InvalidArgumentError } from '../errors/invalid-argument.js';
import { PROJECT_ID_PATTERN } from '../model/port-statistic.js';

const PROJECT_ID_RULE = '1 to 256 letters, digits, - or _ (an HSS project id)';

/** The project id, checked before it can reach a URL path or a header. */
export function readProjectId(
  given: string | null | undefined,
  defaultProjectId: string | undefined,
): string {
  const projectId = given ?? defaultProjectId;
  if (projectId === undefined) {
    throw new InvalidArgumentError(
      'projectId',
      'projectId is required: no default project is configured (HSS_PROJECT_ID).',
    );
  }
  checkPattern('projectId', projectId, PROJECT_ID_PATTERN, PROJECT_ID_RULE);
  return projectId;
}
