import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PAGE_SIZE,
  queryOfView,
  searchFromView,
  viewFromSearch,
  withFilters,
} from '../../web/src/pages/listFilters';

const view = (query: string) => viewFromSearch(new URLSearchParams(query));

describe('the list filters in the URL', () => {
  it('reads every filter, the sort and the page from the search params', () => {
    expect(
      view(
        'q=生态环境&status=overdue&domain=ecology_environment&agency=某区水务局&handler=李检察官&department=第五检察部&dueAfter=2026-03-01&dueBefore=2026-03-31&sort=-servedAt&page=3&pageSize=50',
      ),
    ).toEqual({
      filters: {
        q: '生态环境',
        status: 'overdue',
        domain: 'ecology_environment',
        agency: '某区水务局',
        handler: '李检察官',
        department: '第五检察部',
        dueAfter: '2026-03-01',
        dueBefore: '2026-03-31',
      },
      sort: '-servedAt',
      page: 3,
      pageSize: 50,
    });
  });

  it('leaves out what the API would refuse, keeping the rest', () => {
    expect(view('status=lost&sort=title&dueAfter=2026-02-30&dueBefore=2026-03-01&q=河道&page=-1&pageSize=999')).toEqual(
      {
        filters: { q: '河道', dueBefore: '2026-03-01' },
        sort: 'nextDueAt',
        page: 1,
        pageSize: DEFAULT_PAGE_SIZE,
      },
    );
    // A range the wrong way round is refused on its first field, as the API names it.
    expect(view('dueAfter=2026-04-01&dueBefore=2026-03-01').filters).toEqual({ dueBefore: '2026-03-01' });
  });

  it('writes a view back to the same search params, defaults left out', () => {
    for (const query of [
      '',
      'q=%E6%B2%B3%E9%81%93&status=follow_up',
      'handler=%E6%9D%8E&sort=-nextDueAt&page=2&pageSize=10',
    ]) {
      expect(searchFromView(view(query)).toString()).toBe(query);
    }
    expect(searchFromView(view('sort=nextDueAt&page=1&pageSize=20')).toString()).toBe('');
  });

  it('goes back to the first page when a filter changes, and drops emptied filters', () => {
    const changed = withFilters(view('status=overdue&agency=水务局&page=4'), { agency: '  ', q: ' 排污 ' });
    expect(changed).toMatchObject({ filters: { status: 'overdue', q: '排污' }, page: 1 });
  });

  it('asks the API for the page as limit and offset', () => {
    expect(queryOfView(view('status=overdue&page=3&pageSize=10&sort=-documentNumber'))).toEqual({
      status: 'overdue',
      sort: '-documentNumber',
      limit: 10,
      offset: 20,
    });
  });
});
