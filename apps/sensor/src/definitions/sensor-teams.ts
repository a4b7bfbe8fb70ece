import { type TeamDirectory } from '@hub/config';
import { type Template } from '../expressions/template.js';
import { type LoadedSensor } from './sensor-loader.js';
import { InvalidSensorsError, type SensorProblem } from './sensor.errors.js';

/**
 * Team names written literally in a sensor (`team: security`) must be teams of teams.yaml: a typo
 * would otherwise route every ticket and message to the default team. Templated names
 * (`'{{ data.labels.team }}'`) are checked per event, falling back to the default team.
 */
export function checkSensorTeams(directory: string, loaded: readonly LoadedSensor[], teams: TeamDirectory): void {
  const problems: SensorProblem[] = [];
  for (const { sensor, file } of loaded) {
    const named: [string, Template | undefined][] = [
      ['spec.incident.team', sensor.spec.incident?.team],
      ['spec.ticket.team', sensor.spec.ticket?.team],
      ['spec.notify.team', sensor.spec.notify?.team],
      ...sensor.spec.triggers.map(
        (t, i) =>
          [`spec.triggers.${i}.onSuccess.notify.team`, t.onSuccess?.notify?.team] as [string, Template | undefined],
      ),
    ];
    for (const [i, trigger] of sensor.spec.triggers.entries()) {
      const approvers = trigger.approval?.approvers;
      if (approvers && !teams.has(approvers) && !Object.hasOwn(teams.file.groups, approvers)) {
        problems.push({
          file,
          path: `spec.triggers.${i}.approval.approvers`,
          message: `"${approvers}" is neither a team nor a group of ${teams.source}`,
        });
      }
    }
    for (const [path, template] of named) {
      if (!template || template.paths.length > 0 || teams.has(template.source)) continue;
      problems.push({ file, path, message: `"${template.source}" is not a team of ${teams.source}` });
    }
  }
  if (problems.length > 0) throw new InvalidSensorsError(directory, problems);
}
