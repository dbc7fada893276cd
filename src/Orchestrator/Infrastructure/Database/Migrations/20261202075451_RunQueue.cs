using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ScaleLab.Orchestrator.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class RunQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "dispatches",
                table: "runs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "stop_reason",
                table: "runs",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "run_queue",
                columns: table => new
                {
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sweep_id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    priority = table.Column<int>(type: "integer", nullable: false),
                    position = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    cuda_bytes = table.Column<long>(type: "bigint", nullable: false),
                    cpu_bytes = table.Column<long>(type: "bigint", nullable: false),
                    slot_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    queued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    assigned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_run_queue", x => x.run_id);
                    table.ForeignKey(
                        name: "FK_run_queue_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_run_queue_assigned",
                table: "run_queue",
                column: "slot_id",
                filter: "slot_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_run_queue_waiting",
                table: "run_queue",
                columns: new[] { "sweep_id", "position" },
                filter: "slot_id IS NULL");

            migrationBuilder.Sql(LegacyGrainRows.ImportSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "run_queue");

            migrationBuilder.DropColumn(
                name: "dispatches",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "stop_reason",
                table: "runs");
        }
    }
}
