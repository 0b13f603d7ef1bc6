import type {
  AuditorService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  complianceReadPermission,
  complianceWaivePermission,
  complianceWaiverCreateSchema,
  complianceWaiverParamsSchema,
  complianceWaiversQuerySchema,
  type ComplianceWaiverList,
} from '@genai-portal/plugin-genai-insights-common';
import type express from 'express';
import type { Request } from 'express';
import { parseInput } from '../../lib/validation';
import { teamKey } from '../../permissions/rules';
import type { TeamScopeGate } from '../../permissions/TeamScopeGate';
import type { ComplianceService } from '../ComplianceService';
import type { WaiverService } from './WaiverService';

export interface WaiverRoutesOptions {
  gate: TeamScopeGate;
  caller: (req: Request) => Promise<BackstageCredentials>;
  compliance: Pick<ComplianceService, 'checks' | 'evaluation'>;
  service: WaiverService;
  auditor: AuditorService;
}

/** Who did it, as budgets record it: the user's ref, or the service's subject. */
function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? principal.subject ?? 'unknown';
}

/**
 * Waivers' routes (`/compliance/waivers`): listing under `genai-insights.compliance.read`,
 * granting and revoking under `genai-insights.compliance.waive` on the waiver's team. Grants and
 * revocations are audited.
 */
export function addWaiverRoutes(
  router: express.Router,
  options: WaiverRoutesOptions,
) {
  const { gate, caller, compliance, service, auditor } = options;

  /** Waiving where no team owns the place is for those who waive for every team. */
  const requireWaive = async (
    team: string | undefined,
    credentials: BackstageCredentials,
  ) => {
    if (team) {
      await gate.requireOnTeam(complianceWaivePermission, team, credentials);
      return;
    }
    const scope = await gate.scope(complianceWaivePermission, credentials, {
      orNone: true,
    });
    if (!scope.all) {
      throw new NotAllowedError(
        `Not allowed: ${complianceWaivePermission.name}`,
      );
    }
  };

  router.get('/compliance/waivers', async (req, res) => {
    const credentials = await caller(req);
    const q = parseInput(complianceWaiversQuerySchema, req.query, 'query');
    const { teams } = await gate.teamsToRead(
      complianceReadPermission,
      credentials,
      q.teams,
    );
    const body: ComplianceWaiverList = {
      items: await service.list({ state: q.state ?? 'active', teams }),
    };
    res.json(body);
  });

  router.post('/compliance/waivers', async (req, res) => {
    const credentials = await caller(req);
    const body = parseInput(complianceWaiverCreateSchema, req.body, 'request');
    if (!compliance.checks.some(c => c.id === body.checkId)) {
      throw new InputError(
        `Invalid request: checkId: no check '${body.checkId}' is registered`,
      );
    }
    service.checkExpiry(body.expiresAt);
    let team = body.team && (teamKey(body.team) ?? body.team);
    if (body.environment) {
      // The environment's team now, as the evaluation scores it.
      const evaluation = await compliance.evaluation();
      const environment = evaluation.scorecards.environments.find(
        e => e.environment === body.environment,
      );
      if (!environment) {
        throw new NotFoundError(
          `No environment '${body.environment}' was evaluated`,
        );
      }
      team = environment.team;
    }
    await requireWaive(team, credentials);
    const audit = await auditor.createEvent({
      eventId: 'compliance-waiver-create',
      severityLevel: 'medium',
      request: req,
      meta: {
        checkId: body.checkId,
        team,
        environment: body.environment,
        expiresAt: body.expiresAt,
      },
    });
    try {
      const waiver = await service.create({
        checkId: body.checkId,
        // An environment of no team: its waiver is of no team (an empty ref).
        team: team ?? '',
        ...(body.environment ? { environment: body.environment } : {}),
        justification: body.justification,
        expiresAt: body.expiresAt,
        createdBy: actorOf(credentials),
      });
      await audit.success({ meta: { id: waiver.id } });
      res.status(201).json(waiver);
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });

  router.delete('/compliance/waivers/:id', async (req, res) => {
    const credentials = await caller(req);
    const { id } = parseInput(
      complianceWaiverParamsSchema,
      { ...req.params },
      'request',
    );
    const waiver = await service.get(id);
    await requireWaive(waiver.team || undefined, credentials);
    const audit = await auditor.createEvent({
      eventId: 'compliance-waiver-revoke',
      severityLevel: 'medium',
      request: req,
      meta: {
        id,
        checkId: waiver.checkId,
        team: waiver.team,
        environment: waiver.environment,
      },
    });
    try {
      const revoked = await service.revoke(id, actorOf(credentials));
      await audit.success();
      res.json(revoked);
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });
}
